package org.tandemha.protocol;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Events of the autopromote choice: which slave alone may replace a dead master. */
public sealed interface AutopromoteEvent extends JsonSerializable {
  Instant at();

  /**
   * The winner was chosen (on the master's node) or seen in pool other-config {@code autopromote_uuid}
   * (on a slave's node, which keeps it so the decision holds while XAPI is down). Empty = none_available.
   */
  record AutopromoteWinnerChosen(PoolId pool, Optional<HostId> winner, String reason, Instant at)
      implements AutopromoteEvent {
    public AutopromoteWinnerChosen {
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(winner, "winner");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(at, "at");
    }
  }
}
