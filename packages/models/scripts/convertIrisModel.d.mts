export interface PinnedFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}
export declare const irisSourcePins: readonly PinnedFile[];
export declare const irisTflitePin: PinnedFile;
export declare function readIrisSource(dir?: string): [Buffer, Buffer];
export declare function convertGraphModelToTflite(modelJson: Uint8Array, weights: Uint8Array): Uint8Array;
export declare function convertIrisModel(sourceDir?: string): Buffer;
