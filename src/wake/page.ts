import type { WakeStep } from './decide.js';

/**
 * Minutes until the URL answers again, from where the wake is, rounded up for people: the
 * benchmark's wake model (bench/phases/wake.ts): a stopped Aurora cluster starts in about 9 min 20 s
 * (a published start-db-cluster log), a web instance boots and serves in about 5 min, passes two
 * health checks 10 s apart, and each step waits for the page's next reload (20 s). The model checks
 * that no step promises less than it.
 */
export function minutesLeft(step: WakeStep): number {
  switch (step.kind) {
    case 'start-database':
      return 16;
    case 'wait-database':
      return 16;
    case 'restore-capacity':
    case 'busy':
    case 'wait-instances':
      return 6;
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
