package signup.common.domain;

/** The kind of device a client signs up from; plans are priced per (region, device). */
public enum Device {
  IOS,
  ANDROID,
  WEB
}
