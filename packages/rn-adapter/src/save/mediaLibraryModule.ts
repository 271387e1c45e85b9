/**
 * The parts of `expo-media-library` that {@link saveToPhotoLibrary} uses; pass
 * `import * as MediaLibrary from 'expo-media-library/legacy'` (or an object with the same two
 * functions over `@react-native-camera-roll/camera-roll`).
 *
 * @public
 */
export interface MediaLibraryModule {
  /** `writeOnly: true` asks for add-only access (iOS `NSPhotoLibraryAddUsageDescription`). */
  requestPermissionsAsync(
    writeOnly?: boolean,
    granularPermissions?: ('photo' | 'video' | 'audio')[],
  ): Promise<{ readonly granted: boolean; readonly canAskAgain?: boolean }>;
  /** Copy the file at `localUri` (`file:///…`, with an extension) into the library. */
  saveToLibraryAsync(localUri: string): Promise<void>;
}
