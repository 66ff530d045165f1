/**
 * The bodies notices are POSTed with: the event itself (`notify-format: json`) or a Slack incoming-webhook
 * message (`slack`: `text` + `blocks`, the event's facts in mrkdwn). Pure.
 *
 * Everything in an event that came from the cluster (names, images, pod messages) is untrusted: in Slack
 * form `&`, `<` and `>` are escaped (the only characters Slack's mrkdwn treats as control), so nothing can
 * become a link or a `<!channel>` mention, and a plain `@channel` / `@here` / `@everyone` gets a zero-width
 * joiner so it cannot ping either.
 */
import type { NotifyFormat } from '../config/schema.js';
import type { NotifyEvent } from './notify-events.js';

/** The longest untrusted text in one Slack block (Slack's limit for a section is 3000 characters). */
const MAX_SLACK_TEXT = 1500;

/** Escapes untrusted text for Slack mrkdwn: `&<>` and broadcast mentions. */
export function slackEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/** Untrusted text as inline code: escaped, without backticks (which would end the code span). */
function code(text: string): string {
  return `\`${slackEscape(text.replace(/`/g, "'"))}\``;
}

function headline(e: NotifyEvent): string {
  const where = `${code(e.key)} in cluster ${code(e.cluster)}`;
  switch (e.action) {
    case 'crashed':
      return `:rotating_light: *Crashed* ${code(e.code)} (${slackEscape(e.class)}): ${where}`;
    case 'recovered':
      return `:white_check_mark: *Recovered* from ${code(e.codes.join(', '))}: ${where}`;
    case 'released':
      return `:rocket: *Released* ${code(e.slug.image)} on container ${code(e.container)}: ${where}`;
  }
}

function details(e: NotifyEvent): string[] {
  switch (e.action) {
    case 'crashed':
      return [
        `${slackEscape(e.description).slice(0, MAX_SLACK_TEXT)}`,
        `Pod ${code(e.pod)}${e.container ? `, container ${code(e.container)}` : ''}${e.image ? `, image ${code(e.image)}` : ''}; ${e.restarts} restart(s); first seen ${e.crashed_at}.`,
      ];
    case 'recovered':
      return [`Crashing since ${e.crashed_at}, recovered by ${e.recovered_at}.`];
    case 'released':
      return [
        e.previous
          ? `Was ${code(e.previous.image)}${e.change === 'digest' ? ` (same tag, new digest ${code(e.slug.digests.join(', '))})` : ''}.`
          : 'A workload that was not running at the previous run.',
        `Git: ${code(e.git)}.`,
      ];
  }
}

/** Returns the Slack message of an event. */
export function slackMessage(e: NotifyEvent): { text: string; blocks: unknown[] } {
  const head = headline(e);
  const lines = details(e);
  const issue = e.action !== 'released' && e.issue?.url ? [`<${e.issue.url}|Issue #${e.issue.number}>`] : [];
  return {
    text: head,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      ...(issue.length ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: issue[0] }] }] : []),
    ],
  };
}

/** Returns the JSON body of an event in the configured form. */
export function noticeBody(e: NotifyEvent, format: NotifyFormat): string {
  return JSON.stringify(format === 'slack' ? slackMessage(e) : e);
}
