package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory is a process's memory as /proc/PID/status reports it, in KiB.
type Memory struct {
	RSS  int64 // VmRSS: resident now
	Peak int64 // VmHWM: peak resident ("high water mark")
}

// ReadMemory reads the memory of process pid from /proc.
func ReadMemory(pid int) (Memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, err
	}
	var m Memory
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch key {
		case "VmRSS":
			m.RSS, err = parseKiB(val)
		case "VmHWM":
			m.Peak, err = parseKiB(val)
		}
		if err != nil {
			return Memory{}, fmt.Errorf("read memory of %d: %s: %w", pid, key, err)
		}
	}
	if m.Peak == 0 {
		return Memory{}, fmt.Errorf("read memory of %d: no VmHWM in /proc status", pid)
	}
	return m, nil
}

// parseKiB parses a value such as "  12345 kB".
func parseKiB(s string) (int64, error) {
	return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "kB")), 10, 64)
}
