package dev.ferry.primary.capture;

/**
 * Where a transaction's commit frame sits in the WAL: the WAL generation (its two salts) and the
 * 1-based frame number. {@link #NONE} marks a transaction that did not come from the WAL (the
 * creation of a database).
 */
public record WalPosition(int salt1, int salt2, long commitFrame) {
    public static final WalPosition NONE = new WalPosition(0, 0, 0);

    public boolean isNone() {
        return commitFrame == 0;
    }

    public boolean sameGeneration(int otherSalt1, int otherSalt2) {
        return !isNone() && salt1 == otherSalt1 && salt2 == otherSalt2;
    }
}
