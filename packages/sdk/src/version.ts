/** Version of this SDK, sent as `sdkVersion` in login device information. */
export const SDK_VERSION = "0.1.0";
