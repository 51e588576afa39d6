/**
 * Which figure a study gets. The six named kinds are the chapter-6 experiments' plots (see
 * shared/reference/ch6-experiments.md); anything else gets the general form.
 */
export type FigureKind = 'optimizer' | 'initializer' | 'batch_norm' | 'weight_decay' | 'dropout' | 'early_stopping' | 'general';

const NAMED_KINDS: readonly FigureKind[] = ['optimizer', 'initializer', 'batch_norm', 'weight_decay', 'dropout', 'early_stopping'];

/**
 * Chooses by the parameter paths a study varies: when they all sit under one of the named settings
 * (`optimizer`, or `optimizer.learning_rate` alone) the study is that experiment; two or more
 * settings, or any other one, make a grid that only the general form can show.
 */
export function figureKindOf(varied: readonly string[]): FigureKind {
  const roots = new Set(varied.map((path) => path.split('.')[0] ?? path));
  if (roots.size !== 1) return 'general';
  const [root] = roots;
  return NAMED_KINDS.find((kind) => kind === root) ?? 'general';
}

/** Settings whose studies compare "with" against "without", as the reference words them. */
export const ON_OFF_PHRASES: Readonly<Record<string, string>> = {
  batch_norm: 'batch norm',
  weight_decay: 'weight decay',
  dropout: 'dropout',
  early_stopping: 'early stopping',
};
