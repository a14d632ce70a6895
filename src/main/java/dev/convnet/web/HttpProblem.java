package dev.convnet.web;

/**
 * A request the server answers with a JSON error and a 4xx/5xx status instead of a prediction.
 * The message speaks to the caller: what is wrong and what to do.
 */
final class HttpProblem extends RuntimeException {
    private final int status;

    HttpProblem(int status, String message) {
        super(message, null, false, false); // no stack trace: this is an answer, not a bug
        this.status = status;
    }

    int status() {
        return status;
    }

    /**
     * Whether this is about one picture (400 not a picture or damaged, 413 too many pixels, 422 no
     * digit) rather than the server's state (503): in a batch, only that picture's answer.
     */
    boolean aboutOnePicture() {
        return status == 400 || status == 413 || status == 422;
    }

    static HttpProblem badImage(String message) {
        return new HttpProblem(400, message);
    }

    static HttpProblem tooLarge(String message) {
        return new HttpProblem(413, message);
    }

    /** A well-formed picture the server cannot answer for, e.g. one without a digit (422). */
    static HttpProblem unprocessable(String message) {
        return new HttpProblem(422, message);
    }

    static HttpProblem overloaded(String message) {
        return new HttpProblem(503, message);
    }
}
