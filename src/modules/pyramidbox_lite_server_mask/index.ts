import { maskModule } from '../face_mask/mask-module.js';
import { pyramidboxLiteServerMaskManifest } from './manifest.js';

export const pyramidboxLiteServerMask = maskModule(pyramidboxLiteServerMaskManifest);
