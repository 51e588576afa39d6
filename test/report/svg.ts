/** The line series of a vega SVG: each `line mark` path with its aria label and point count. */
export function lineMarks(svg: string): { label: string; points: number; dashed: boolean }[] {
  const paths = svg.match(/<path [^>]*aria-roledescription="line mark"[^>]*>/g) ?? [];
  return paths.map((tag) => {
    const d = /\sd="([^"]*)"/.exec(tag)?.[1] ?? '';
    return {
      label: /aria-label="([^"]*)"/.exec(tag)?.[1] ?? '',
      points: (d.match(/[ML]/g) ?? []).length,
      // A solid line in a chart with a strokeDash legend is written with dasharray "1,0".
      dashed: !['', '1,0'].includes(/stroke-dasharray="([^"]*)"/.exec(tag)?.[1] ?? ''),
    };
  });
}

/** The trial id vega writes into a line's aria label from the `trial` field. */
export function trialOf(label: string): string | undefined {
  return /trial: ([^;]+)$/.exec(label)?.[1];
}

export function countMarks(svg: string, role: string): number {
  return (svg.match(new RegExp(`aria-roledescription="${role}"`, 'g')) ?? []).length;
}

/** Width and height attributes of the root element. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg[^>]*>/.exec(svg)?.[0] ?? '';
  return { width: Number(/width="([\d.]+)"/.exec(root)?.[1]), height: Number(/height="([\d.]+)"/.exec(root)?.[1]) };
}

/** Every piece of text drawn (vega writes text marks as <text> elements). */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unescapeXml(m[1] ?? ''));
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
