package org.tandemha.actors.port;

/** XAPI did not answer within the call's timeout, or refused the connection. */
public final class XapiUnreachable extends RuntimeException {
  public XapiUnreachable(String target, Throwable cause) {
    super("XAPI at " + target + " unreachable: " + cause, cause);
  }
}
