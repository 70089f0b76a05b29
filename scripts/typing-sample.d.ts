/** The Python file the typing measurements edit (typing-sample.js). */
export declare function pythonFile(lines: number): string;
