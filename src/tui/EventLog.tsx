import { Box, Static, Text } from 'ink';
import { useTheme } from './use-theme.js';
import type { LogKind, LogLine } from './view-model.js';
import type { Tone } from './theme.js';

export interface EventLogProps {
  lines: readonly LogLine[];
  width: number;
}

const TAGS: Readonly<Record<LogKind, { tag: string; tone: Tone }>> = {
  retried: { tag: 'retry   ', tone: 'warn' },
  failed: { tag: 'failed  ', tone: 'bad' },
  stopped_early: { tag: 'early   ', tone: 'warn' },
  diverged: { tag: 'diverged', tone: 'accent' },
};

/**
 * Retries, failures, early stops and divergences, each printed once above the live area
 * (`<Static>`): finished lines stay in the terminal's scrollback instead of being redrawn.
 */
export function EventLog({ lines, width }: EventLogProps) {
  const tone = useTheme();
  return (
    <Static items={[...lines]}>
      {(line) => (
        // A fixed width: the static area is laid out apart from the live one, and lines must cut, not wrap.
        <Box key={line.key} width={width}>
          <Text wrap="truncate-end">
            <Text {...tone(TAGS[line.kind].tone)}>{TAGS[line.kind].tag}</Text> {line.text}
          </Text>
        </Box>
      )}
    </Static>
  );
}
