import type { WakeStep } from './decide.js';

/**
 * Minutes until the URL answers again, from where the wake is: an Aurora cluster starts in about
 * 5-10 minutes ("Stopping and starting an Amazon Aurora DB cluster", Aurora User Guide), then an
 * instance boots and passes two health checks 10 s apart in about 3. Rounded up, for people.
 */
export function minutesLeft(step: WakeStep): number {
  switch (step.kind) {
    case 'start-database':
      return 12;
    case 'wait-database':
      return 10;
    case 'restore-capacity':
    case 'busy':
      return 4;
    case 'wait-instances':
      return 3;
    case 'switch-listener':
    case 'awake':
      return 1;
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page a visitor sees while the environment wakes: it reloads itself every 20 s. Pure. */
export function wakePage(environment: string, step: WakeStep): string {
  const minutes = minutesLeft(step);
  const doing =
    step.kind === 'start-database' || step.kind === 'wait-database'
      ? 'starting its database'
      : 'starting its web servers';
  return [
    '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="20">',
    `<title>${escape(environment)} is waking up</title>`,
    '<body style="font-family:system-ui,sans-serif;max-width:36em;margin:4em auto">',
    `<h1>This environment is asleep. Waking it up: ready in about ${minutes} minute${minutes === 1 ? '' : 's'}</h1>`,
    `<p>${escape(environment)} went to sleep while nobody used it; your visit woke it. pr-env is ${doing}. This page reloads itself.</p>`,
  ].join('\n');
}
