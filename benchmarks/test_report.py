#!/usr/bin/env python3
"""Tests of benchmarks/report.py's machine sections (ctest: report_py), and
a check that benchmarks/README.md's sections are well formed, so that
compare.sh's replace of one machine's section keeps every other one.

    python3 benchmarks/test_report.py
"""
import os
import re
import sys
import tempfile
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import report  # noqa: E402


def section(key, body):
    return '<!-- nonlin-report machine="%s" -->\n%s\n%s' % (key, body, report.SECTION_END)


class CpuModel(unittest.TestCase):
    def cpuinfo(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".cpuinfo", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_family_and_model_of_the_first_cpu(self):
        path = self.cpuinfo("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
                            "model name\t: AMD EPYC\n\nprocessor\t: 1\ncpu family\t: 26\nmodel\t\t: 2\n"
                            "model name\t: other\n")
        self.assertEqual(report.cpu_model(cpuinfo=path), "AMD EPYC (family 0x19, model 0x11)")

    def test_zen5_and_intel(self):
        self.assertEqual(report.cpu_model(cpuinfo=self.cpuinfo("cpu family : 26\nmodel : 2\nmodel name : AMD EPYC\n")),
                         "AMD EPYC (family 0x1A, model 0x02)")
        self.assertEqual(report.cpu_model(cpuinfo=self.cpuinfo(
            "cpu family : 6\nmodel : 143\nmodel name : Intel(R) Xeon(R) Processor\n")),
            "Intel(R) Xeon(R) Processor (family 0x6, model 0x8F)")

    def test_no_family_keeps_the_name(self):
        # aarch64's cpuinfo has no "cpu family" / "model name" lines of x86's form.
        self.assertEqual(report.cpu_model(cpuinfo=self.cpuinfo("model name : Some CPU\n")), "Some CPU")
        self.assertEqual(report.cpu_model("fallback", cpuinfo=self.cpuinfo("CPU part : 0xd0c\n")), "fallback")
        self.assertEqual(report.cpu_model("gone", cpuinfo="/nonexistent/cpuinfo"), "gone")


class Statistic(unittest.TestCase):
    def json_file(self, runs):
        import json
        doc = {"context": {}, "benchmarks": []}
        for i, t in enumerate(runs):
            doc["benchmarks"].append({"name": "tanh/nonlin/uniform/4096", "run_name": "tanh/nonlin/uniform/4096",
                                      "run_type": "iteration", "repetitions": len(runs), "repetition_index": i,
                                      "cpu_time": t, "real_time": t, "time_unit": "ns"})
        doc["benchmarks"].append({"name": "tanh/nonlin/uniform/4096_median",
                                  "run_name": "tanh/nonlin/uniform/4096", "run_type": "aggregate",
                                  "aggregate_name": "median", "repetitions": len(runs),
                                  "cpu_time": sorted(runs)[len(runs) // 2], "real_time": 0, "time_unit": "ns"})
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(doc, f)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_median_and_fastest(self):
        path = self.json_file([4096.0 * 0.30, 4096.0 * 0.20, 4096.0 * 0.40, 4096.0 * 0.25, 4096.0 * 0.50])
        _, median, _, _, reps = report.load(path, False)
        _, fastest, _, _, _ = report.load(path, False, fastest=True)
        self.assertEqual(reps, 5)
        self.assertAlmostEqual(median[("tanh", "nonlin", "uniform", 4096)], 0.30)
        self.assertAlmostEqual(fastest[("tanh", "nonlin", "uniform", 4096)], 0.20)


class ReplaceSection(unittest.TestCase):
    def test_replaces_only_its_key(self):
        old = "intro\n\n" + section("A; x", "old A") + "\n\nbetween\n\n" + section("B; x", "old B") + "\n"
        new = report.replace_section(old, "A; x", section("A; x", "new A"))
        self.assertIn("new A", new)
        self.assertNotIn("old A", new)
        self.assertIn("old B", new)
        self.assertIn("between", new)
        self.assertTrue(new.startswith("intro\n"))

    def test_appends_a_new_key(self):
        old = "intro\n\n" + section("A; x", "old A") + "\n"
        new = report.replace_section(old, "C; y", section("C; y", "new C"))
        self.assertIn("old A", new)
        self.assertTrue(new.rstrip().endswith(report.SECTION_END))
        self.assertLess(new.index("old A"), new.index("new C"))

    def test_a_section_without_its_end_is_an_error(self):
        old = '<!-- nonlin-report machine="A; x" -->\nold A\n'
        with self.assertRaises(SystemExit):
            report.replace_section(old, "A; x", section("A; x", "new A"))


class ReportFile(unittest.TestCase):
    """benchmarks/README.md: every section ends before the next begins, and
    no two share a key (a replace would otherwise take the wrong text)."""

    def test_sections_are_closed_and_unique(self):
        with open(os.path.join(here, "README.md"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        open_key, open_line, keys = None, 0, {}
        for number, line in enumerate(lines, 1):
            m = report.SECTION_START.match(line)
            if m:
                self.assertIsNone(open_key, "section '%s' (line %d) has no end before line %d"
                                  % (open_key, open_line, number))
                self.assertNotIn(m.group(1), keys, "key '%s' at lines %s and %d"
                                 % (m.group(1), keys.get(m.group(1)), number))
                open_key, open_line = m.group(1), number
                keys[m.group(1)] = number
            elif line == report.SECTION_END:
                self.assertIsNotNone(open_key, "an end marker at line %d closes no section" % number)
                open_key = None
        self.assertIsNone(open_key, "section '%s' (line %d) has no end" % (open_key, open_line))
        self.assertGreater(len(keys), 0)

    def test_accuracy_reports_named_exist(self):
        # The pairs tables name the peer accuracy report they read, relative
        # to the report (report.py writes it so); a scratch MARKDOWN_OUT
        # elsewhere leaves a path that does not resolve here.
        with open(os.path.join(here, "README.md"), encoding="utf-8") as f:
            text = f.read()
        named = re.findall(r"from `([^`]+\.md)` \(flags", text)
        self.assertGreater(len(named), 0)
        for path in named:
            self.assertTrue(os.path.exists(os.path.join(here, path)), "named but not found: " + path)


if __name__ == "__main__":
    unittest.main()
