// The vocabulary of notebooks, shared by the CLI (`.ipynb` files) and the language server (LSP
// notebook documents). Positions are 0-based, as everywhere in the engine.

export interface NotebookCell {
  kind: 'code' | 'markup';
  /** The cell's language: `python` for the code cells analyzed (VS Code language id / kernel language). */
  language: string;
  source: string;
}

export interface CellPosition {
  /** 0-based index of the cell among all the notebook's cells (markup cells included). */
  cell: number;
  /** 0-based line in the cell's source. */
  line: number;
  /** UTF-16 column in that line. */
  character: number;
}
