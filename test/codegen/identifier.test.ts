import { describe, expect, it } from "vitest";
import { OptionError } from "../../src/errors.js";
import { defaultModelName, macroPrefix, MAX_PREFIX_LENGTH, toCPrefix } from "../../src/codegen/identifier.js";

describe("toCPrefix: a model name becomes a C identifier prefix", () => {
  it.each([
    ["motor", "motor"],
    ["Motor", "motor"],
    ["motor-temp", "motor_temp"],
    ["Motor Temp v2", "motor_temp_v2"],
    ["pump.model", "pump_model"],
    ["a--b..c  d", "a_b_c_d"],
    ["_leading_", "leading"],
    ["x", "x"],
    ["m0", "m0"],
    ["int8_model", "int8_model"],
  ])("%j → %j", (name, prefix) => {
    expect(toCPrefix(name)).toBe(prefix);
  });

  it.each([
    ["", "no letters"],
    ["---", "no letters"],
    ["2fast", "must start with a letter"],
    ["température", "not allowed"],
    ["a+b", "not allowed"],
    ["模型", "not allowed"],
    ["int", "reserved"],
    ["Float", "reserved"],
    ["seqforge", "reserved"],
    // Would be written over the runtime header it needs (same folder, same file name).
    ["seqforge_runtime", "reserved by seqforge"],
    ["SeqForge-Target", "reserved by seqforge"],
    ["a".repeat(MAX_PREFIX_LENGTH + 1), `at most ${MAX_PREFIX_LENGTH}`],
  ])("refuses %j (%s)", (name, why) => {
    let err: unknown;
    try {
      toCPrefix(name);
    } catch (e) {
      err = e;
    }
    // A library error about the `name` option; the command line reports it as --name.
    expect(err).toBeInstanceOf(OptionError);
    expect((err as OptionError).exitCode).toBe(2);
    expect((err as OptionError).option).toBe("name");
    expect((err as Error).message).toContain(why);
  });

  it("takes the default name from the model file", () => {
    expect(defaultModelName("out/motor.q.json")).toBe("motor");
    expect(defaultModelName("pump.json")).toBe("pump");
    expect(defaultModelName("/a/b/Weather-Model.Q.JSON")).toBe("Weather-Model");
    expect(macroPrefix("motor_v2")).toBe("MOTOR_V2");
  });
});
