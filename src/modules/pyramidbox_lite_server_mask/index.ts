import { maskModule } from '../face_mask/mask-module.js';

// PaddleHub's pyramidbox_lite_server_mask: the same networks as its mobile sibling, under its own name.
export const pyramidboxLiteServerMask = maskModule('pyramidbox_lite_server_mask', 'pyramidbox_lite_mobile_mask');
