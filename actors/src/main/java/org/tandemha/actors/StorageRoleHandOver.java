package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.tandemha.actors.port.StorageRole;
import org.tandemha.protocol.HostId;

/**
 * The dead master's takeover hands the storage role over through the storage role actor: it is told the old
 * master is fenced and this host is master now, and the takeover's step waits (on the blocking pool) until the
 * reconcile reports every resource Primary, the target up and the floating IP here — or a step failed.
 */
final class StorageRoleHandOver implements StorageRole {
  /** Promote, start the target, add the IP: seconds, unless a tool hangs to its bound. */
  static final Duration WITHIN = Duration.ofSeconds(120);

  private final ActorRef<StorageRoleActor.Command> actor;
  private final ActorSystem<?> system;
  private final String describe;

  StorageRoleHandOver(ActorRef<StorageRoleActor.Command> actor, ActorSystem<?> system, String describe) {
    this.actor = actor;
    this.system = system;
    this.describe = describe;
  }

  @Override public String describe() { return describe; }

  /**
   * The storage role actor's last reading (it reads every second): resource → replication link Connected, for a
   * host that replicates this storage; none for any other host (a compute-only host has no DRBD link to judge it by).
   * Unknown — the actor did not answer, or has read nothing yet — counts as a live link: it must never let a takeover
   * through on missing evidence.
   */
  @Override public java.util.Map<String, Boolean> replicationLinks(HostId peer) {
    StorageRoleActor.Status s;
    try {
      s = AskPattern.<StorageRoleActor.Command, StorageRoleActor.Status>ask(actor,
          StorageRoleActor.GetStatus::new, Duration.ofSeconds(2), system.scheduler())
          .toCompletableFuture().get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      return java.util.Map.of(UNKNOWN, true);
    }
    if (!s.storagePeers().contains(peer)) return java.util.Map.of();
    if (s.observed().isEmpty()) return java.util.Map.of(UNKNOWN, true);
    java.util.Map<String, Boolean> links = new java.util.TreeMap<>();
    s.observed().get().resources().forEach(r -> links.put(r.name(), r.peerConnected()));
    return links;
  }

  /** The resource name a link that could not be read is reported under. */
  static final String UNKNOWN = "(state unknown)";

  @Override public void takeOverFrom(HostId fenced) {
    StorageRoleActor.TakeOverResult r;
    try {
      r = AskPattern.<StorageRoleActor.Command, StorageRoleActor.TakeOverResult>ask(actor,
          reply -> new StorageRoleActor.TakeOver(fenced, reply), WITHIN, system.scheduler())
          .toCompletableFuture().get(WITHIN.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("storage role not taken over within " + WITHIN.toSeconds() + "s: " + e, e);
    }
    if (!r.primary()) throw new IllegalStateException("storage role not taken over: " + r.detail());
  }
}
