import { createContext } from 'react';
import type { TextProps } from 'ink';
import type { TrialState } from '../orchestrator/domain.js';

/** What a piece of text means; the theme decides how that looks. */
export type Tone = 'plain' | 'title' | 'muted' | 'good' | 'bad' | 'warn' | 'info' | 'accent' | 'selected' | 'series0' | 'series1';

/** The Text props a tone sets. */
export type ToneProps = Pick<TextProps, 'color' | 'bold' | 'dimColor' | 'inverse'>;

/**
 * Colours and emphasis per tone. Without colour (NO_COLOR) every tone is plain text: no ANSI
 * styling at all, so the selection is shown by the `›` marker alone. Whether a terminal can show
 * colour at all is Ink's (chalk's) business; this only decides whether to ask for it.
 */
export interface Theme {
  color: boolean;
}

/** Provided once by the Dashboard; read through useTheme. */
export const ThemeContext = createContext<Theme>({ color: true });

const TONES: Readonly<Record<Tone, ToneProps>> = {
  plain: {},
  title: { bold: true },
  muted: { dimColor: true },
  good: { color: 'green' },
  bad: { color: 'red' },
  warn: { color: 'yellow' },
  info: { color: 'cyan' },
  accent: { color: 'magenta' },
  selected: { inverse: true },
  series0: { color: 'cyan' },
  series1: { color: 'magenta' },
};

/** The Text props for `tone`: none at all without colour. */
export function toneProps(theme: Theme, tone: Tone): ToneProps {
  return theme.color ? TONES[tone] : {};
}

const STATE_TONES: Readonly<Record<TrialState, Tone>> = {
  queued: 'muted',
  running: 'info',
  completed: 'good',
  failed: 'bad',
  stopped_early: 'warn',
  diverged: 'accent',
  cancelled: 'muted',
};

/** How a trial state is coloured: green done, red failed, yellow stopped early, and so on. */
export function stateTone(state: TrialState): Tone {
  return STATE_TONES[state];
}

/** Short state names for narrow columns. */
export const STATE_LABELS: Readonly<Record<TrialState, string>> = {
  queued: 'queued',
  running: 'running',
  completed: 'done',
  failed: 'failed',
  stopped_early: 'early',
  diverged: 'diverged',
  cancelled: 'cancel',
};
