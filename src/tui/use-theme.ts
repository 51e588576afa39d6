import { useContext } from 'react';
import { ThemeContext, toneProps, type Tone, type ToneProps } from './theme.js';

/** The Text props for a tone under the current theme (none at all without colour). */
export function useTheme(): (tone: Tone) => ToneProps {
  const theme = useContext(ThemeContext);
  return (tone) => toneProps(theme, tone);
}
