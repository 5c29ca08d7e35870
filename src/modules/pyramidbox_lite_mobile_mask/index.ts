import { maskModule } from '../face_mask/mask-module.js';
import { pyramidboxLiteMobileMaskManifest } from './manifest.js';

export const pyramidboxLiteMobileMask = maskModule(pyramidboxLiteMobileMaskManifest);
