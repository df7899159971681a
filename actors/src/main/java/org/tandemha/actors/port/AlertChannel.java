package org.tandemha.actors.port;

import java.time.Instant;

/**
 * One way an alert reaches people: e-mail, a pool message in XenCenter / Xen Orchestra, a webhook. A send blocks
 * (it runs on the blocking pool, bounded by the channel's own timeout) and throws when the channel refused or could
 * not be reached; the alert actor retries and reports, never the caller.
 */
public interface AlertChannel {
  /** For logs and {@code tandem alerts list}, e.g. {@code mail smtp.example.org:587 (starttls)}. */
  String name();

  void send(Alert alert) throws Exception;

  /**
   * What an operator is told.
   *
   * @param type     the event type it comes from (or {@code Test}), for per-type switches
   * @param priority XAPI's message priority: 1 highest … 5 lowest
   * @param title    one line: what happened, e.g. {@code fencing xs1 FAILED}
   * @param what     what happened, with the evidence
   * @param action   what the operator should do now
   * @param host     the host whose node raised it (UUID) and its name, e.g. {@code 3f9a… (xs1)}
   */
  record Alert(String type, int priority, String title, String what, String action, String host, Instant at) {
    /** The text every channel sends: what happened, then what to do. */
    public String body() {
      return what + "\n\nWhat to do: " + action + "\n\nHost: " + host + "\nTime: " + at + "\nEvent: " + type;
    }

    /** HA-Lizard's duplicate test: the same words, whitespace ignored, time left out. */
    public String dedupeKey() {
      return (type + "|" + title + "|" + what).replaceAll("\\s+", "");
    }
  }
}
