package dev.ferry.systemtest.harness;

import dev.ferry.systemtest.harness.RequestOutcome.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every paired-insert request a test sent and what its client learnt, and the checks that the
 * database's rows agree with them. Checks collect every violation and fail once, listing the first
 * few, so a failure shows the pattern rather than one symptom.
 *
 * <p>{@link #record} is thread-safe; the checks run while no writer is active.
 */
public final class WriteLedger {
    private static final int VIOLATIONS_SHOWN = 20;

    private final Map<Long, RequestOutcome> outcomes = new HashMap<>();
    /** In-doubt requests as the first recovery that saw them resolved them: true if committed. */
    private final Map<Long, Boolean> resolvedInDoubt = new HashMap<>();

    public synchronized void record(RequestOutcome outcome) {
        RequestOutcome previous = outcomes.putIfAbsent(outcome.req(), outcome);
        if (previous != null) {
            throw new IllegalStateException("req " + outcome.req() + " recorded twice: " + previous + ", " + outcome);
        }
    }

    public synchronized long maxAcknowledgedTxid() {
        return outcomes.values().stream().filter(o -> o.status() == Status.ACKNOWLEDGED)
                .mapToLong(RequestOutcome::txid).max().orElse(0);
    }

    public synchronized long count(Status status) {
        return outcomes.values().stream().filter(o -> o.status() == status).count();
    }

    /**
     * Checks the rows of a recovered database: every acknowledged request present, no request
     * half-applied, no row that no request wrote, nothing refused applied, and every in-doubt request
     * resolved the same way as the first time a recovery saw it.
     */
    public synchronized void checkRecovered(String context, List<PairRow> rows) {
        List<String> violations = new ArrayList<>();
        Map<Long, List<PairRow>> byReq = checkPairs(rows, violations);
        for (RequestOutcome outcome : outcomes.values()) {
            boolean present = byReq.containsKey(outcome.req());
            switch (outcome.status()) {
                case ACKNOWLEDGED:
                    if (!present) {
                        violations.add("acknowledged write lost: " + outcome);
                    }
                    break;
                case NOT_APPLIED:
                    if (present) {
                        violations.add("refused write was applied: " + outcome);
                    }
                    break;
                case IN_DOUBT:
                    Boolean earlier = resolvedInDoubt.putIfAbsent(outcome.req(), present);
                    if (earlier != null && earlier != present) {
                        violations.add("in-doubt write " + (present ? "appeared" : "disappeared")
                                + " after an earlier recovery had " + (earlier ? "kept" : "dropped") + " it: " + outcome);
                    }
                    break;
                default:
                    throw new IllegalStateException("unknown status " + outcome.status());
            }
        }
        fail(context, violations);
    }

    /**
     * Checks the rows of the database as of {@code txid} (a restore): acknowledged requests with a
     * txid up to it present, later ones absent, no request half-applied, nothing refused applied.
     */
    public synchronized void checkAsOf(String context, long txid, List<PairRow> rows) {
        List<String> violations = new ArrayList<>();
        Map<Long, List<PairRow>> byReq = checkPairs(rows, violations);
        for (RequestOutcome outcome : outcomes.values()) {
            boolean present = byReq.containsKey(outcome.req());
            if (outcome.status() == Status.ACKNOWLEDGED && outcome.txid() <= txid && !present) {
                violations.add("write acknowledged at txid " + outcome.txid() + " missing as of txid " + txid + ": "
                        + outcome);
            } else if (outcome.status() == Status.ACKNOWLEDGED && outcome.txid() > txid && present) {
                violations.add("write acknowledged at txid " + outcome.txid() + " already present as of txid " + txid
                        + ": " + outcome);
            } else if (outcome.status() == Status.NOT_APPLIED && present) {
                violations.add("refused write was applied: " + outcome);
            }
        }
        fail(context, violations);
    }

    /**
     * Checks that txids follow real time: if request A was acknowledged before request B was sent,
     * A's txid is lower than B's. (Requests that overlap may share a txid through group commit.)
     */
    public synchronized void checkTxidsFollowRealTime(String context) {
        List<RequestOutcome> acked = outcomes.values().stream().filter(o -> o.status() == Status.ACKNOWLEDGED)
                .sorted(Comparator.comparingLong(RequestOutcome::answeredNanos)).toList();
        List<RequestOutcome> bySend = acked.stream().sorted(Comparator.comparingLong(RequestOutcome::sentNanos)).toList();
        List<String> violations = new ArrayList<>();
        // Sweep B in send order, keeping the highest-txid A answered before B was sent.
        RequestOutcome highestAnswered = null;
        int next = 0;
        for (RequestOutcome b : bySend) {
            while (next < acked.size() && acked.get(next).answeredNanos() < b.sentNanos()) {
                RequestOutcome a = acked.get(next++);
                if (highestAnswered == null || a.txid() > highestAnswered.txid()) {
                    highestAnswered = a;
                }
            }
            if (highestAnswered != null && highestAnswered.txid() >= b.txid()) {
                violations.add(b + " was sent after " + highestAnswered + " was acknowledged, but its txid is not higher");
            }
        }
        fail(context, violations);
    }

    /** Groups rows by request, adding a violation for every defective row and every half-present request. */
    private Map<Long, List<PairRow>> checkPairs(List<PairRow> rows, List<String> violations) {
        Map<Long, List<PairRow>> byReq = new TreeMap<>();
        for (PairRow row : rows) {
            String defect = row.defect();
            if (defect != null) {
                violations.add("row " + row + ": " + defect);
            }
            byReq.computeIfAbsent(row.req(), req -> new ArrayList<>()).add(row);
        }
        byReq.forEach((req, pair) -> {
            RequestOutcome outcome = outcomes.get(req);
            if (outcome == null) {
                violations.add("rows " + pair + " belong to req " + req + ", which was never sent");
                return;
            }
            if (pair.size() != 2) {
                violations.add("half-applied request: " + outcome + " has rows " + pair);
            }
            for (PairRow row : pair) {
                if (row.writer() != outcome.writer()) {
                    violations.add("row " + row + " names writer " + row.writer() + " but " + outcome + " sent it");
                }
            }
        });
        return byReq;
    }

    private static void fail(String context, List<String> violations) {
        if (violations.isEmpty()) {
            return;
        }
        throw new AssertionError(context + ": " + violations.size() + " violation(s), first "
                + Math.min(VIOLATIONS_SHOWN, violations.size()) + ":\n  "
                + String.join("\n  ", violations.subList(0, Math.min(VIOLATIONS_SHOWN, violations.size()))));
    }
}
