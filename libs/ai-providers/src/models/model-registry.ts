import { ONNX_PROFILES, OnnxProfile } from '../providers/onnx/onnx-profiles';

/** Hash algorithms the installer verifies; a registry entry carries whichever its source publishes. */
export type ChecksumAlgorithm = 'md5' | 'sha256';

export interface PublishedChecksum {
  algorithm: ChecksumAlgorithm;
  /** Lower-case hex, exactly as published. */
  value: string;
}

/** The background-remover quality tiers of the catalogue (apps/cli/src/seed/catalog.data.ts). */
export type SuggestedTier = 'basic' | 'standard' | 'professional' | 'industry';

/** A self-hostable background-removal model: where to get it, how to check it, what it may be used for. */
export interface ModelRegistryEntry {
  /** What operators type: `npm run models -- pull <name>`. rembg's session names, so their docs apply. */
  name: string;
  /**
   * File name inside MODELS_DIR; a catalogue row's `providerModel` for the onnx provider. `<name>.onnx`, as rembg
   * stores them in ~/.u2net, so an existing rembg model directory can serve as MODELS_DIR (and as a --mirror).
   */
  fileName: string;
  /** Download URLs, tried in order. */
  urls: string[];
  checksum: PublishedChecksum;
  /** Where the URL and checksum were published (repository and path), to re-check them on an update. */
  publishedIn: string;
  /** Byte size, only where the source publishes one; undefined otherwise (the checksum still pins the file). */
  bytes?: number;
  licence: { code: string; weights: string };
  /** False: the weights' licence does not allow a paid service; never a default, pulled only on purpose. */
  commercialUse: boolean;
  /** Preprocessing: a profile of onnx-profiles.ts plus overrides, in the shape of a catalogue row's capabilities. */
  onnx: { profile: string; inputSize?: number };
  suggestedTier: SuggestedTier;
  description: string;
}

// Every URL and checksum below is copied from danielgatis/rembg at commit 684f8e9f (2026-07-18),
// rembg/sessions/<file>.py, `pooch.retrieve(url, "<algorithm>:<hex>")`. rembg publishes no byte sizes, so
// `bytes` is left undefined for all of them rather than guessed.
const REMBG_RELEASE = 'https://github.com/danielgatis/rembg/releases/download/v0.0.0';
const rembg = (file: string) => `danielgatis/rembg rembg/sessions/${file}`;
const U2NET_LICENCE = { code: 'Apache-2.0 (xuebinqin/U-2-Net)', weights: 'Apache-2.0' };
const BIREFNET_LICENCE = { code: 'MIT (ZhengPeng7/BiRefNet)', weights: 'MIT' };

export const MODEL_REGISTRY: readonly ModelRegistryEntry[] = [
  {
    name: 'u2netp',
    fileName: 'u2netp.onnx',
    urls: [`${REMBG_RELEASE}/u2netp.onnx`],
    checksum: { algorithm: 'md5', value: '8e83ca70e441ab06c318d82300c84806' },
    publishedIn: rembg('u2netp.py'),
    licence: U2NET_LICENCE,
    commercialUse: true,
    onnx: { profile: 'u2net' },
    suggestedTier: 'basic',
    description: 'U²-Net small (320²): fastest, coarse edges',
  },
  {
    name: 'u2net',
    fileName: 'u2net.onnx',
    urls: [`${REMBG_RELEASE}/u2net.onnx`],
    checksum: { algorithm: 'md5', value: '60024c5c889badc19c04ad937298a77b' },
    publishedIn: rembg('u2net.py'),
    licence: U2NET_LICENCE,
    commercialUse: true,
    onnx: { profile: 'u2net' },
    suggestedTier: 'basic',
    description: 'U²-Net full (320²): general salient objects',
  },
  {
    name: 'u2net_human_seg',
    fileName: 'u2net_human_seg.onnx',
    urls: [`${REMBG_RELEASE}/u2net_human_seg.onnx`],
    checksum: { algorithm: 'md5', value: 'c09ddc2e0104f800e3e1bb4652583d1f' },
    publishedIn: rembg('u2net_human_seg.py'),
    licence: U2NET_LICENCE,
    commercialUse: true,
    onnx: { profile: 'u2net' },
    suggestedTier: 'basic',
    description: 'U²-Net trained on people (320²): portraits and selfies',
  },
  {
    name: 'birefnet-general-lite',
    fileName: 'birefnet-general-lite.onnx',
    urls: [`${REMBG_RELEASE}/BiRefNet-general-bb_swin_v1_tiny-epoch_232.onnx`],
    checksum: { algorithm: 'md5', value: '4fab47adc4ff364be1713e97b7e66334' },
    publishedIn: rembg('birefnet_general_lite.py'),
    licence: BIREFNET_LICENCE,
    commercialUse: true,
    onnx: { profile: 'birefnet', inputSize: 1024 },
    suggestedTier: 'standard',
    description: 'BiRefNet general, Swin-tiny backbone (1024²): good edges at a fraction of the full cost',
  },
  {
    name: 'birefnet-general',
    fileName: 'birefnet-general.onnx',
    urls: [`${REMBG_RELEASE}/BiRefNet-general-epoch_244.onnx`],
    checksum: { algorithm: 'md5', value: '7a35a0141cbbc80de11d9c9a28f52697' },
    publishedIn: rembg('birefnet_general.py'),
    licence: BIREFNET_LICENCE,
    commercialUse: true,
    onnx: { profile: 'birefnet', inputSize: 1024 },
    suggestedTier: 'professional',
    description: 'BiRefNet general (1024²): best general quality, slowest',
  },
  // Opt-in only: weights not clearly licensed for a paid service.
  {
    name: 'isnet-general-use',
    fileName: 'isnet-general-use.onnx',
    urls: [`${REMBG_RELEASE}/isnet-general-use.onnx`],
    checksum: { algorithm: 'md5', value: 'fc16ebd8b0c10d971d3513d564d01e29' },
    publishedIn: rembg('dis_general_use.py'),
    licence: { code: 'Apache-2.0 (xuebinqin/DIS)', weights: 'unclear (no licence stated for the released weights)' },
    commercialUse: false,
    onnx: { profile: 'isnet' },
    suggestedTier: 'basic',
    description: 'IS-Net / DIS general use (1024²)',
  },
  {
    name: 'bria-rmbg',
    fileName: 'bria-rmbg.onnx',
    urls: [`${REMBG_RELEASE}/bria-rmbg-2.0.onnx`],
    checksum: { algorithm: 'sha256', value: '5b486f08200f513f460da46dd701db5fbb47d79b4be4b708a19444bcd4e79958' },
    publishedIn: rembg('bria_rmbg.py'),
    licence: { code: 'CC-BY-NC-4.0 (briaai/RMBG-2.0)', weights: 'CC-BY-NC-4.0 (commercial use needs an agreement with BRIA)' },
    commercialUse: false,
    onnx: { profile: 'rmbg2' },
    suggestedTier: 'professional',
    description: 'BRIA RMBG-2.0 (1024²)',
  },
];

export function findModel(name: string, registry: readonly ModelRegistryEntry[] = MODEL_REGISTRY): ModelRegistryEntry | undefined {
  return registry.find((m) => m.name === name);
}

/** The entry whose file a catalogue row's `providerModel` names (how readiness finds the pull command). */
export function findModelByFile(fileName: string, registry: readonly ModelRegistryEntry[] = MODEL_REGISTRY): ModelRegistryEntry | undefined {
  return registry.find((m) => m.fileName === fileName);
}

/** The entry's full preprocessing profile, resolved against onnx-profiles.ts (one source of truth). */
export function registryProfile(entry: ModelRegistryEntry): OnnxProfile {
  const base = ONNX_PROFILES[entry.onnx.profile];
  if (!base) throw new Error(`model ${entry.name}: unknown ONNX profile "${entry.onnx.profile}"`);
  const size = entry.onnx.inputSize ?? base.inputWidth;
  return { ...base, inputWidth: size, inputHeight: size };
}

/** The exact command that installs a model (readiness and doctor print it). */
export function pullCommand(entry: Pick<ModelRegistryEntry, 'name'>): string {
  return `npm run models -- pull ${entry.name}`;
}
