package dev.ferry.primary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a YAML configuration file: a flat mapping from option keys (kebab-case, as the flags) to
 * scalar values. Unknown keys are refused so that a misspelt option is not silently ignored; a key
 * with an empty value counts as not set.
 */
final class YamlConfigFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private YamlConfigFile() {}

    /** The file's values as text, keyed by option. */
    static Map<ConfigOption, String> read(Path file) throws InvalidConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage(), e);
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new InvalidConfigException("config file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<ConfigOption, String> values = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new InvalidConfigException("config file " + file + " must be a mapping of option: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            ConfigOption option = optionFor(file, entry.getKey());
            JsonNode value = entry.getValue();
            if (value.isContainerNode()) {
                throw new InvalidConfigException("config file " + file + ": " + entry.getKey() + " must be a single value");
            }
            if (!value.isNull()) {
                values.put(option, value.asText());
            }
        }
        return values;
    }

    private static ConfigOption optionFor(Path file, String key) throws InvalidConfigException {
        for (ConfigOption option : ConfigOption.values()) {
            if (option != ConfigOption.CONFIG && option.key().equals(key)) {
                return option;
            }
        }
        throw new InvalidConfigException("config file " + file + ": unknown option '" + key + "'; known options: "
                + Arrays.stream(ConfigOption.values())
                        .filter(o -> o != ConfigOption.CONFIG)
                        .map(ConfigOption::key)
                        .collect(Collectors.joining(", ")));
    }
}
