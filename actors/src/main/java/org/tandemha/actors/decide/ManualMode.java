package org.tandemha.actors.decide;

import java.util.List;
import java.util.Optional;

/**
 * iSCSI-HA's manual mode (issue #8 item 5, halizard-behaviour §7.3) with its rules and messages, each resource
 * checked on its own (iSCSI-HA concatenated the roles of several resources, and its disable check passed
 * silently). A verb either changes the mode (and the role the reconcile then drives to) or is refused with the
 * message and exit code 1, changing nothing.
 */
public final class ManualMode {
  private ManualMode() {}

  public enum Verb { ENABLE, DISABLE, BECOME_PRIMARY, BECOME_SECONDARY }

  /**
   * @param manual             the current mode (empty = automatic)
   * @param poolMaster         this host is the pool master
   * @param resourcesPrimary   per resource: is it Primary here
   * @param peerPrimary        per resource: does the peer read Primary
   * @param ipLocal            the floating IP is on this host
   * @param ipAnswersElsewhere the floating IP answers a probe while not here
   */
  public record Evidence(Optional<StorageReconcile.Manual> manual, boolean poolMaster, List<String> resources,
                         List<Boolean> resourcesPrimary, List<Boolean> peerPrimary, boolean ipLocal,
                         boolean ipAnswersElsewhere, String floatingIp) {
    public Evidence {
      resources = List.copyOf(resources);
      resourcesPrimary = List.copyOf(resourcesPrimary);
      peerPrimary = List.copyOf(peerPrimary);
      if (resources.size() != resourcesPrimary.size() || resources.size() != peerPrimary.size()) {
        throw new IllegalArgumentException("one role per resource");
      }
    }
  }

  /**
   * @param accepted the verb is done: {@code manual} is the new mode (empty = automatic again)
   * @param lines    what the CLI prints
   */
  public record Outcome(boolean accepted, Optional<StorageReconcile.Manual> manual, List<String> lines) {}

  public static Outcome apply(Verb verb, Evidence e) {
    switch (verb) {
      case ENABLE -> {
        if (e.manual().isPresent()) return refuse(e, "Manual mode already enabled - exiting");
        return new Outcome(true, Optional.of(StorageReconcile.Manual.HOLD), List.of("storage now in manual mode",
            "High Availability should be disabled if any hosts will be shutdown or rebooted"));
      }
      case DISABLE -> {
        if (e.manual().isEmpty()) return refuse(e, "Manual mode is not enabled - exiting");
        for (int i = 0; i < e.resources().size(); i++) {
          boolean primary = e.resourcesPrimary().get(i);
          String r = e.resources().get(i);
          if (primary && !e.poolMaster()) {
            return refuse(e, "This host's storage (" + r + ") is in Primary mode but this is not the pool master",
                "Demote " + r + " to Secondary first (tandem storage become-secondary)", "Exiting..");
          }
          if (!primary && e.poolMaster()) {
            return refuse(e, "This host's storage (" + r + ") is in Secondary mode but this is the pool master",
                "Promote " + r + " to Primary first (tandem storage become-primary)", "Exiting..");
          }
        }
        return new Outcome(true, Optional.empty(), List.of("storage exited manual mode: roles follow the pool again"));
      }
      case BECOME_PRIMARY -> {
        if (e.manual().isEmpty()) return needsManual(e);
        for (int i = 0; i < e.resources().size(); i++) {
          if (e.peerPrimary().get(i)) {
            return refuse(e, "Peer DRBD role detected as Primary (" + e.resources().get(i) + ")",
                "Try making the peer secondary first", "Exiting..");
          }
        }
        if (!e.ipLocal() && e.ipAnswersElsewhere()) {
          return refuse(e, "Virtual IP " + e.floatingIp() + " detected on network",
              "Make sure peer host is in manual mode and secondary (tandem storage manual-mode enable, then "
                  + "tandem storage become-secondary on the peer)", "Exiting..");
        }
        return new Outcome(true, Optional.of(StorageReconcile.Manual.PRIMARY),
            List.of("becoming primary: every resource Primary, then the iSCSI target, then the floating IP — once the "
                + "peer is confirmed demoted or gone (tandem storage status shows what it waits for)"));
      }
      case BECOME_SECONDARY -> {
        if (e.manual().isEmpty()) return needsManual(e);
        return new Outcome(true, Optional.of(StorageReconcile.Manual.SECONDARY),
            List.of("becoming secondary: the floating IP, then the iSCSI target, then every resource to Secondary"));
      }
      default -> throw new IllegalArgumentException(verb.toString());
    }
  }

  private static Outcome needsManual(Evidence e) {
    return refuse(e, "Host must be in manual mode before changing its storage role",
        "Try 'tandem storage manual-mode enable' first", "Exiting..");
  }

  private static Outcome refuse(Evidence e, String... lines) {
    return new Outcome(false, e.manual(), List.of(lines));
  }
}
