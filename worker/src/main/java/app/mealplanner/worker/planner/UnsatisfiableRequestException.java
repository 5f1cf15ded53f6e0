package app.mealplanner.worker.planner;

/** A hard constraint leaves no recipe for a requested meal; the message names the constraint. */
public class UnsatisfiableRequestException extends RuntimeException {

    public static final String CODE = "UNSATISFIABLE";

    public UnsatisfiableRequestException(String message) {
        super(message);
    }
}
