/**
 * A loaded TensorFlow Lite model, as a native interpreter exposes it: float32 input tensors in,
 * output tensors out, each as an `ArrayBuffer`. This is the shape of `react-native-fast-tflite`'s
 * model object (`run(input: ArrayBuffer[]): Promise<ArrayBuffer[]>`, `dispose()`), so that
 * library's model fits without a wrapper.
 *
 * @public
 */
export interface TfliteModel {
  /** Run the model once. Outputs are owned by the caller, which wipes them. */
  run(inputs: ArrayBuffer[]): Promise<ArrayBuffer[]>;
  /** Release the interpreter. */
  dispose?(): void;
}

/**
 * Creates a {@link TfliteModel} from the bytes of a `.tflite` file that the SDK has already
 * checked against its pinned SHA-256 (P9): loading from verified bytes, never from a path or a
 * URL, leaves no gap between the check and the load.
 *
 * @public
 */
export type TfliteModelLoader = (modelBytes: ArrayBuffer) => Promise<TfliteModel> | TfliteModel;
