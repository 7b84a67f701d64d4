/**
 * The fictional customer the recorded pages belong to: its hosts, report suite, org and datastream. The
 * page receives this as JSON next to the scenario; the local Adobe emulation answers for these hosts.
 * Values are deliberately different from the simulator's, so nothing matches by accident.
 */
export const SITE = {
  pageOrigin: 'https://www.acme-stream.com',
  orgId: 'B5E2A1C3D4F60718293A4B5C@AdobeOrg',
  rsid: 'acmestreamprod',
  /** AppMeasurement `s.trackingServerSecure`. */
  aaHost: 'acmestream.sc.omtrdc.net',
  /** VHL `trackingServer` ({namespace}.hb.omtrdc.net) and its settings publisher. */
  hbHost: 'acmestream.hb.omtrdc.net',
  hbPublisher: 'acme-stream',
  /** Media Collection API host of the account. */
  mcHost: 'acmestream.hb-api.omtrdc.net',
  edgeHost: 'edge.adobedc.net',
  datastream: '6f1d3c52-9a4e-4b0c-8e2d-7c5b1a9f0e34',
  /** The mistyped datastream of the transport defect: the Edge emulation does not know it. */
  badDatastream: '6f1d3c52-9a4e-4b0c-8e2d-7c5b1a9f0e43',
  visitorHost: 'dpm.demdex.net',
  /** Library versions as each emitter sends them (public version strings of the libraries emulated). */
  versions: {
    appmeasurement: 'JS-2.26.0',
    heartbeat: 'js-2.2.2.230-96e624',
    mediaJs: 'js-3.1.0',
    alloy: '2.25.0',
    visitorApi: '5.5.0',
  },
} as const;

export type Site = typeof SITE;

/** Host patterns Chromium resolves to the local emulation (`--host-resolver-rules`). */
export const MAPPED_HOSTS = ['*.omtrdc.net', '*.adobedc.net', '*.demdex.net', 'www.acme-stream.com'] as const;
