package org.tandemha.actors.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.tandemha.protocol.FenceOutcome;

/** The one rule (DESIGN.md): a peer's work moves only once the peer is confirmed gone. */
public final class PeerGone {
  private PeerGone() {}

  public record Evidence(boolean answers, Optional<FenceOutcome> lastFence, boolean declaredDead,
                         Optional<Duration> peerWatchdog, Instant lastContact, Instant now) {}

  public record Verdict(boolean gone, String reason) {}

  /** Covers failure-detector lag on both sides and clock drift between them. */
  public static final Duration MARGIN = Duration.ofSeconds(10);

  public static Verdict judge(Evidence e) {
    if (e.answers()) return new Verdict(false, "peer still answers");
    if (e.declaredDead()) return new Verdict(true, "operator declared the peer dead");
    if (e.lastFence().orElse(null) instanceof FenceOutcome.Confirmed c) {
      return new Verdict(true, "fence confirmed " + c.target() + " off by " + c.device());
    }
    if (e.peerWatchdog().isEmpty()) return new Verdict(false, "unreachable, and nothing confirms it is gone");
    Instant deadline = e.lastContact().plus(e.peerWatchdog().get()).plus(MARGIN);
    return new Verdict(e.now().isAfter(deadline), "self-fence deadline " + deadline);
  }
}
