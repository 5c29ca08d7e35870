import { maskManifest } from '../face_mask/mask-manifest.js';

export const pyramidboxLiteMobileMaskManifest = maskManifest('pyramidbox_lite_mobile_mask', 'pyramidbox_lite_server_mask');
