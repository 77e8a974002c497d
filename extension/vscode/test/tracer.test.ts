import { describe, expect, it } from "vitest";
import { applyTracerEnv, isTracerSetup, mergePytestArgs } from "../src/common/tracer";

describe("tracer setup", () => {
    it("checks the command's result shape", () => {
        expect(isTracerSetup({ env: { PYTHONPATH: "/t" }, args: ["-p", "pulsedev_trace"] })).toBe(true);
        expect(isTracerSetup({ env: { X: 1 }, args: [] })).toBe(false);
        expect(isTracerSetup({ env: {} })).toBe(false);
        expect(isTracerSetup(null)).toBe(false);
    });

    it("sets each variable to the server's complete value", () => {
        const ops: string[] = [];
        const collection: any = {
            prepend: (k: string, v: string) => ops.push(`prepend ${k}=${v}`),
            replace: (k: string, v: string) => ops.push(`replace ${k}=${v}`),
        };
        const names = applyTracerEnv({ env: { PYTHONPATH: "/tracer:/usr/lib/extra", PULSEDEV_SPOOL: "/data/spool" }, args: [] }, collection);
        expect(names).toEqual(["PYTHONPATH", "PULSEDEV_SPOOL"]);
        expect(ops).toEqual(["replace PYTHONPATH=/tracer:/usr/lib/extra", "replace PULSEDEV_SPOOL=/data/spool"]);
        expect(collection.persistent).toBe(true);
    });

    it("adds pytest arguments once, -p pairs as pairs", () => {
        expect(mergePytestArgs(["tests"], ["-p", "pulsedev_trace"])).toEqual(["tests", "-p", "pulsedev_trace"]);
        expect(mergePytestArgs(["-p", "pulsedev_trace", "tests"], ["-p", "pulsedev_trace"])).toEqual(["-p", "pulsedev_trace", "tests"]);
        expect(mergePytestArgs(["-p", "xdist"], ["-p", "pulsedev_trace", "--trace-x"])).toEqual(["-p", "xdist", "-p", "pulsedev_trace", "--trace-x"]);
        expect(mergePytestArgs(undefined, [])).toEqual([]);
    });
});
