package org.tandemha.storage;

import java.util.Optional;

/**
 * What {@code drbdadm role <res>} printed, for DRBD 9 ({@code Primary}: local role only) and 8.4
 * ({@code Primary/Secondary}: local/peer). Each resource is read on its own; output that is neither form
 * is an error, never taken as Secondary (iSCSI-HA's multi-resource parsing was wrong exactly there).
 */
public record DrbdRole(String resource, Role local, Optional<Role> peer) {
  /** UNCONFIGURED: DRBD 8.4 prints it for a resource that is down. */
  public enum Role { PRIMARY, SECONDARY, UNKNOWN, UNCONFIGURED }

  /** drbdadm's output could not be read as a role; the message quotes it. */
  public static final class Unreadable extends RuntimeException {
    public Unreadable(String message) { super(message); }
  }

  public static DrbdRole parse(String resource, String output) {
    String text = output == null ? "" : output.strip();
    if (text.contains("\n")) throw new Unreadable("drbdadm role " + resource + ": expected one line, got \"" + text + "\"");
    String[] parts = text.split("/", -1);
    if (parts.length == 1) return new DrbdRole(resource, role(resource, parts[0]), Optional.empty());
    if (parts.length == 2) return new DrbdRole(resource, role(resource, parts[0]), Optional.of(role(resource, parts[1])));
    throw new Unreadable("drbdadm role " + resource + ": unreadable \"" + text + "\"");
  }

  private static Role role(String resource, String word) {
    return switch (word) {
      case "Primary" -> Role.PRIMARY;
      case "Secondary" -> Role.SECONDARY;
      case "Unknown" -> Role.UNKNOWN;
      case "Unconfigured" -> Role.UNCONFIGURED;
      default -> throw new Unreadable("drbdadm role " + resource + ": unknown role \"" + word + "\"");
    };
  }
}
