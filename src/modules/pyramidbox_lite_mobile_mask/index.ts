import { maskModule } from '../face_mask/mask-module.js';

// PaddleHub's pyramidbox_lite_mobile_mask: the same networks as its server sibling, under its own name.
export const pyramidboxLiteMobileMask = maskModule('pyramidbox_lite_mobile_mask', 'pyramidbox_lite_server_mask');
