/**
 * Named regions of the MediaPipe face mesh, as index lists (the first 468 points, the same in the
 * 468- and the 478-point layouts). "Image-left" is the left of the picture, the subject's right.
 *
 * Lid and lip lines run corner to corner and share their end points, so an upper and a lower line
 * of the same opening pair up point by point: that pairing is what the fills in faceTopology.ts
 * and the blink in expressionPresets.ts rely on.
 *
 * @internal
 */
export const faceRegions = {
  /** The face outline, 36 points, clockwise on screen from the top of the forehead (10). */
  oval: Object.freeze([
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176,
    149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
  ]),
  imageLeftUpperLid: Object.freeze([33, 246, 161, 160, 159, 158, 157, 173, 133]),
  imageLeftLowerLid: Object.freeze([33, 7, 163, 144, 145, 153, 154, 155, 133]),
  imageRightUpperLid: Object.freeze([263, 466, 388, 387, 386, 385, 384, 398, 362]),
  imageRightLowerLid: Object.freeze([263, 249, 390, 373, 374, 380, 381, 382, 362]),
  /** The crease row above each upper lid, pulled partly along in a blink. */
  imageLeftLidCrease: Object.freeze([130, 247, 30, 29, 27, 28, 56, 190, 243]),
  imageRightLidCrease: Object.freeze([359, 467, 260, 259, 257, 258, 286, 414, 463]),
  imageLeftBrow: Object.freeze([46, 53, 52, 65, 55, 70, 63, 105, 66, 107]),
  imageRightBrow: Object.freeze([276, 283, 282, 295, 285, 300, 293, 334, 296, 336]),
  upperInnerLip: Object.freeze([78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308]),
  lowerInnerLip: Object.freeze([78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308]),
  upperOuterLip: Object.freeze([61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291]),
  lowerOuterLip: Object.freeze([61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291]),
} as const;
