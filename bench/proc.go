package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
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

// clockTick is the unit of /proc/PID/stat CPU times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// ReadCPU returns the CPU time (user + system) process pid has used.
func ReadCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may contain spaces; fields resume after ")".
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("read CPU of %d: malformed stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("read CPU of %d: short stat", pid)
	}
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("read CPU of %d: bad times", pid)
	}
	return time.Duration(utime+stime) * clockTick, nil
}
