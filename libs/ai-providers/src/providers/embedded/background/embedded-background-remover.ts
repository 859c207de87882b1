import { Inject, Injectable, Optional } from '@nestjs/common';
import { ImagesService } from '@app/images';
import {
  AlphaMask,
  AvailabilityCheck,
  BackgroundRemovalRequest,
  BackgroundRemover,
  CatalogModel,
  ProviderAvailability,
} from '../../../ai-provider.types';
import { embeddedDetail } from '../embedded-detail';
import { chooseMask, MaskChoice } from '../person/choose-mask';
import { assessPerson, PersonAssessment } from '../person/person-decision';
import { personAlpha } from '../person/person-mask';
import { PersonSegmenter, sharedSelfieSegmenter } from '../person/selfie-segmenter';
import { edgeAlpha } from './edge-alpha';
import { boxBlur } from './mask-ops';
import { segmentSubject } from './subject-segmentation';

/** Longest side the analysis runs at: keeps a 1 MP image well under a second on 2 cores. */
const ANALYSIS_MAX_SIDE = 512;
/** Feather radius at analysis scale, on top of the estimated edge alpha, before the smooth upscale to full size. */
const FEATHER_RADIUS = 1;

/**
 * Person segmenter for the embedded remover. Not provided in the app module: the process-wide bundled model is
 * used. `null` switches the person model off (classical only), e.g. for the quality evaluation's baseline.
 */
export const EMBEDDED_PERSON_SEGMENTER = Symbol('EMBEDDED_PERSON_SEGMENTER');

/**
 * Background removal with no key, no network and no downloaded model:
 * - classical removal for plain/studio backgrounds (see subject-segmentation.ts): exact on product and studio
 *   shots;
 * - people on any background with the bundled MediaPipe Selfie Segmentation model (person/), used when it
 *   finds a confident person (person/person-decision.ts, person/choose-mask.ts).
 * Anything else with no plain background comes back fully opaque rather than wrongly cut.
 */
@Injectable()
export class EmbeddedBackgroundRemover implements BackgroundRemover, AvailabilityCheck {
  readonly providerId = 'embedded';
  private readonly person: PersonSegmenter | null;

  constructor(
    private readonly images: ImagesService,
    @Optional() @Inject(EMBEDDED_PERSON_SEGMENTER) person?: PersonSegmenter | null,
  ) {
    this.person = person === undefined ? sharedSelfieSegmenter() : person;
  }

  async availability(model: CatalogModel): Promise<ProviderAvailability> {
    // Wording pinned by the registry spec; the person model is described in the README and NOTICE.md.
    return { available: true, detail: embeddedDetail(model, 'classical removal for plain/studio backgrounds') };
  }

  async removeBackground(request: BackgroundRemovalRequest): Promise<AlphaMask> {
    const { mask, sourceWidth, sourceHeight } = await this.analyse(request);
    return this.images.resizeMask(mask, sourceWidth, sourceHeight);
  }

  /** The mask at analysis size and which path made it (the quality evaluation reports the choice). */
  async analyse(request: BackgroundRemovalRequest): Promise<EmbeddedAnalysis> {
    request.signal?.throwIfAborted();
    const source = await this.images.sourceSize(request.image);
    const small = await this.images.toRgba(request.image, { maxSide: ANALYSIS_MAX_SIDE });
    request.signal?.throwIfAborted();
    const { width, height } = small;
    const segmentation = segmentSubject(small);
    const prob = this.person ? await this.person.segment(small) : undefined;
    request.signal?.throwIfAborted();
    const assessment = prob && assessPerson(prob);
    const personMask = prob && assessment?.confident ? personAlpha(prob, width, height) : undefined;
    const choice = chooseMask(assessment, segmentation, personMask?.map((v) => (v >= 128 ? 1 : 0)));

    let alpha: Uint8Array;
    if (choice === 'person') alpha = personMask!;
    else if (choice === 'classical') alpha = boxBlur(edgeAlpha(segmentation!, width, height), width, height, FEATHER_RADIUS);
    else alpha = new Uint8Array(width * height).fill(255);
    const mask = { data: Buffer.from(alpha.buffer, alpha.byteOffset, alpha.length), width, height };
    return { mask, choice, person: assessment, sourceWidth: source.width, sourceHeight: source.height };
  }
}

export interface EmbeddedAnalysis {
  mask: AlphaMask;
  choice: MaskChoice;
  /** The person model's verdict; undefined when it is off or unavailable. */
  person?: PersonAssessment;
  sourceWidth: number;
  sourceHeight: number;
}
