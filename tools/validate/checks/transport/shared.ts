import type { LibraryInfo } from '../../../simulate/libraries.js';

/** Page styles whose page/app hits are Analytics (`/b/ss/`) hits. */
const AA_STYLES = new Set(['appmeasurement', 'aep-analytics', 'adbmobile4', 'roku-legacy', 'chromecast']);
export const aaPages = (l: LibraryInfo) => AA_STYLES.has(l.pageStyle);
/** Page styles whose page/app hits go to Experience Edge. */
export const edgePages = (l: LibraryInfo) =>
  l.pageStyle === 'alloy' || l.pageStyle === 'aep-edge' || l.pageStyle === 'roku-aep';
