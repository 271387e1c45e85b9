import { dataDeclarations } from './dataDeclarations';
import type { SdkPrivacyConfig } from './sdkPrivacyConfig';

type PlistValue = boolean | string | readonly PlistValue[] | { readonly [key: string]: PlistValue };

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function plistValue(value: PlistValue, indent: string): string {
  if (typeof value === 'boolean') return `${indent}<${value}/>`;
  if (typeof value === 'string') return `${indent}<string>${escapeXml(value)}</string>`;
  const inner = `${indent}\t`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}<array/>`;
    return [`${indent}<array>`, ...value.map((item: PlistValue) => plistValue(item, inner)), `${indent}</array>`].join('\n');
  }
  const entries = Object.entries(value as { readonly [key: string]: PlistValue });
  return [
    `${indent}<dict>`,
    ...entries.flatMap(([key, item]) => [`${inner}<key>${escapeXml(key)}</key>`, plistValue(item, inner)]),
    `${indent}</dict>`,
  ].join('\n');
}

/**
 * The SDK's Apple privacy manifest (`PrivacyInfo.xcprivacy`, an XML property list) for this
 * configuration: no tracking and no tracking domains, one collected-data entry per kind of data
 * that leaves the device (none when everything stays on it), never linked to the person. The
 * JavaScript SDK calls none of Apple's required-reason APIs, so `NSPrivacyAccessedAPITypes` is
 * empty; a native module that does must add its own entries.
 *
 * @public
 */
export function privacyManifest(config: SdkPrivacyConfig): string {
  const manifest: PlistValue = {
    NSPrivacyTracking: false,
    NSPrivacyTrackingDomains: [],
    NSPrivacyCollectedDataTypes: dataDeclarations(config).map((declaration) => ({
      NSPrivacyCollectedDataType: declaration.appleType,
      NSPrivacyCollectedDataTypeLinked: false,
      NSPrivacyCollectedDataTypeTracking: false,
      NSPrivacyCollectedDataTypePurposes: [declaration.applePurpose],
    })),
    NSPrivacyAccessedAPITypes: [],
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    plistValue(manifest, ''),
    '</plist>',
    '',
  ].join('\n');
}
