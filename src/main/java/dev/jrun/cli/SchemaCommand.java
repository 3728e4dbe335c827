package dev.jrun.cli;

import dev.jrun.spec.SpecSchema;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema (draft-07) of the spec format, for editors and other validators.",
        footer = {"", "Example:", "  jrun schema > jrun-spec.schema.json"})
final class SchemaCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(SpecSchema.text());
        System.out.flush();
        return 0;
    }
}
