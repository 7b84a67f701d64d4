import type { Session } from '../../session/index.js';

/** Session protocols, as checks list the ones they can judge. */
export const MEDIA: Session['protocol'][] = ['heartbeat', 'media-collection', 'media-edge'];
export const MC_EDGE: Session['protocol'][] = ['media-collection', 'media-edge'];
export const ALL: Session['protocol'][] = ['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge'];
