package ai.ominix.mlx;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only when mlx-c loads. Otherwise the tests are reported as skipped with the
 * reason (where we looked, how to build it), and the reason is printed once, so a run without
 * mlx-c is never silently green.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresMlx.Condition.class)
public @interface RequiresMlx {

    final class Condition implements ExecutionCondition {
        private static volatile boolean printed;

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (MlxLibrary.isAvailable()) return ConditionEvaluationResult.enabled("mlx-c loaded from " + MlxLibrary.path());
            String reason = "SKIPPED (mlx-c not available): " + MlxLibrary.unavailableReason();
            if (!printed) {
                printed = true;
                System.err.println(reason);
                System.out.println(reason);
            }
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
