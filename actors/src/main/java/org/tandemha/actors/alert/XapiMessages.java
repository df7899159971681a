package org.tandemha.actors.alert;

import org.tandemha.actors.port.AlertChannel;
import org.tandemha.actors.port.XapiPort;

/**
 * Alerts as pool messages (HA-Lizard's ENABLE_ALERTS): XenCenter and Xen Orchestra list them under Alerts, with
 * the alert's priority. Written through the node's XAPI port, so they reach the master wherever it is.
 */
public final class XapiMessages implements AlertChannel {
  /** Every message's name starts so: operators filter on it (HA-Lizard's were "HA-Lizard - …"). */
  public static final String PREFIX = "Tandem - ";

  private final XapiPort xapi;

  public XapiMessages(XapiPort xapi) { this.xapi = xapi; }

  @Override public String name() { return "xapi pool message"; }

  @Override public void send(Alert alert) {
    xapi.createPoolMessage(PREFIX + alert.title(), alert.priority(), alert.body());
  }
}
