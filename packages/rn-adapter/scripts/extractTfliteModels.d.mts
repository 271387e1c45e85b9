export declare const tfliteModelFiles: readonly { name: string; bytes: number; sha256: string; package: string; file: string; range?: [number, number] }[];
export declare function readTfliteModel(name: string): Buffer;
