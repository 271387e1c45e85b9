// Notice → consent → pick → generate → watch → save or discard → receipt. The notice is the one
// the SDK generates from the app's privacy configuration, and the consent record is made from the
// same configuration, so what the person agrees to is what the app does. Detection runs on the
// phone (MediaPipe's TFLite models, checked by SHA-256); only the aligned face crop goes to the
// rendering service; the video reaches the photo library only when the person taps Save.
import { useEffect, useState } from 'react';
import { Button, ScrollView, Switch, Text, View } from 'react-native';
import * as FileSystem from 'expo-file-system';
import * as ImagePicker from 'expo-image-picker';
import * as MediaLibrary from 'expo-media-library/legacy';
import { AlphaType, ColorType, Skia } from '@shopify/react-native-skia';
import { NitroModules } from 'react-native-nitro-modules';
import type { HybridObject } from 'react-native-nitro-modules';
import type { ConsentRecord, GeneratedVideo, RNPlatform } from '@vopop/rn-adapter';
import { consentPolicyFor, createRNPlatform, expoFileSystem, fastTfliteLoader, generateVideo, tfliteModelSource } from '@vopop/rn-adapter';
import type { FastTfliteModule } from '@vopop/rn-adapter';
import { describeConsent, noticeFor, recordConsent } from './consent';
import { NoticeView } from './NoticeView';
import { privacyConfig } from './privacyConfig';
import { renderService } from './renderService';

const notice = noticeFor(privacyConfig);

// The models, extracted from the pinned @mediapipe packages at build time (extractTfliteModels.mjs).
// Metro bundles an asset only through require(); it returns the asset's id.
/* eslint-disable @typescript-eslint/no-require-imports */
const modelAssets: Record<string, number> = {
  'face_detection_short_range.tflite': require('./assets/models/face_detection_short_range.tflite'),
  'face_landmark.tflite': require('./assets/models/face_landmark.tflite'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

async function readBundledModel(name: string): Promise<ArrayBuffer> {
  const loader = NitroModules.createHybridObject<HybridObject<{ ios: 'swift'; android: 'kotlin' }> & { loadAsset(path: string): Promise<ArrayBuffer> }>('AssetLoader');
  const { Image } = await import('react-native');
  return loader.loadAsset(Image.resolveAssetSource(modelAssets[name]!)!.uri);
}

export default function App() {
  const [platform, setPlatform] = useState<RNPlatform>();
  const [ageConfirmed, setAgeConfirmed] = useState(false);
  const [consent, setConsent] = useState<ConsentRecord>();
  const [result, setResult] = useState<GeneratedVideo>();
  const [lines, setLines] = useState<string[]>([]);
  const say = (line: string) => setLines((old) => [...old, line]);

  useEffect(() => {
    // At start: the platform sweeps what an earlier run left in the cache.
    createRNPlatform({
      files: expoFileSystem(FileSystem),
      skia: { Skia, ColorType, AlphaType },
      detector: {
        loadModel: fastTfliteLoader(NitroModules.createHybridObject<HybridObject<{ ios: 'c++'; android: 'c++' }> & FastTfliteModule>('TfliteModule')),
        models: tfliteModelSource(readBundledModel),
      },
      renderer: renderService,
      mediaLibrary: MediaLibrary,
      // The SDK refuses a consent under any other notice version, or without the age confirmation.
      consentPolicy: consentPolicyFor(privacyConfig),
    }).then((created) => {
      say(`swept at start: ${created.swept.pickedPhotos} picked photos, ${created.swept.sdkFiles} SDK files`);
      setPlatform(created);
    }, (error: unknown) => say(String(error)));
  }, []);

  function agree() {
    if (!ageConfirmed) return;
    const record = recordConsent(privacyConfig, { ageConfirmed }, new Date());
    setConsent(record);
    say(describeConsent(record));
  }

  async function pickAndGenerate() {
    if (!platform || !consent) return;
    const pick = await ImagePicker.launchImageLibraryAsync({ mediaTypes: ['images'], exif: false });
    if (pick.canceled) return;
    const picked = await platform.takePickedPhoto(pick.assets[0]!.uri);
    say(`picked photo read; cached copy deleted: ${picked.deletedCachedCopy}`);
    try {
      const generated = await generateVideo(
        { photo: picked.bytes, consent },
        platform,
      );
      say(`video ready; wiped ${generated.receipt.totals.wiped} handles; service receipt ${generated.deletionReceipt?.keyId ?? 'none'}`);
      setResult(generated);
    } catch (error) {
      say(`failed: ${(error as { code?: string }).code ?? String(error)} (everything already wiped)`);
    }
  }

  async function save() {
    if (!platform || !result) return;
    try {
      await platform.saveToPhotoLibrary({ video: result.video, container: result.container });
      say('saved to the photo library');
    } catch (error) {
      say(`not saved: ${(error as { code?: string }).code ?? String(error)}`);
    } finally {
      discard();
    }
  }

  function discard() {
    result?.video.purge();
    setResult(undefined);
    say('the SDK copy of the video is wiped');
  }

  return (
    <ScrollView contentContainerStyle={{ padding: 24, gap: 12 }}>
      <NoticeView markdown={notice.markdown} />
      {!consent ? (
        <View style={{ gap: 8 }}>
          <View style={{ flexDirection: 'row', alignItems: 'center', gap: 8 }}>
            <Switch value={ageConfirmed} onValueChange={setAgeConfirmed} accessibilityLabel={`I am at least ${notice.minimumAge} years old`} />
            <Text>I am at least {notice.minimumAge} years old</Text>
          </View>
          <Button title={`I agree to notice ${notice.version}`} onPress={agree} disabled={!ageConfirmed} />
        </View>
      ) : null}
      {!result ? <Button title="Pick a photo and generate" onPress={() => void pickAndGenerate()} disabled={!platform || !consent} /> : null}
      {result ? (
        <View style={{ gap: 8 }}>
          <Button title="Save to Photos" onPress={() => void save()} />
          <Button title="Discard" onPress={discard} />
        </View>
      ) : null}
      {lines.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
    </ScrollView>
  );
}
