package org.tandemha.harness.sim;

import java.time.Instant;

/** One XML-RPC call as the simulator saw it; outcome is "Success" or the error code. */
public record CallRecord(Instant at, String hostAddress, String method, String outcome) {
}
