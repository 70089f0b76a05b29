// Notebooks (docs/notebooks.md): the cells' vocabulary, the module their Python cells make, the
// analysis mapped back into cells, and `.ipynb` reading and writing.

export type { CellPosition, NotebookCell } from './types';
export { type ModuleSegment, type NotebookModuleOptions, type NotebookModuleText, isPythonCell, notebookModule } from './module-text';
export { type NotebookAnalysis, type NotebookContext, analyzeIpynbLoaded, analyzeNotebook, analyzeNotebookLoaded, applyCellEdits } from './analyze';
export { type IpynbNotebook, type IpynbRead, ipynbTextRange, readIpynb, sourceLines, writeCellSources } from './ipynb';
export { isIPythonLine } from './magics';
export { cellLineReferences } from './line-references';
