package org.tandemha.harness.sim;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One task created by an {@code Async.*} call (§2.6). Not persisted: a master restart loses it. Guarded by the pool lock. */
final class SimTask {
    final String ref;
    final String uuid = UUID.randomUUID().toString();
    final String nameLabel;
    final String residentOn;
    final Instant created;
    String status = "pending";
    double progress;
    Instant finished = Instant.EPOCH;
    /** XML-RPC serialisation of the value, e.g. {@code <value></value>} for void. */
    String result = "";
    List<String> errorInfo = List.of();
    boolean cancelRequested;

    SimTask(String ref, String nameLabel, String residentOn, Instant created) {
        this.ref = ref;
        this.nameLabel = nameLabel;
        this.residentOn = residentOn;
        this.created = created;
    }

    boolean pending() {
        return status.equals("pending") || status.equals("cancelling");
    }
}
