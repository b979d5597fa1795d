// The C surface of ncursesw that Swift sees. SwiftPM drops the -D flags pkg-config
// reports, so the wide-character API is switched on here, and the function-like macros
// Swift cannot import are wrapped in static inline functions.
#ifndef RECUR_CNCURSES_SHIM_H
#define RECUR_CNCURSES_SHIM_H

// Without these the cchar_t / wide-character functions (setcchar, wadd_wch, wget_wch)
// are not declared.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <locale.h>
#include <unistd.h>
#include <wchar.h>
// Linux (libncurses-dev) and Homebrew keep the wide-character build under ncursesw/;
// macOS's own curses.h is wide-capable with _XOPEN_SOURCE_EXTENDED. Which library is
// linked is in Package.swift (TerminalKit's linker settings).
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#elif __has_include(<curses.h>)
#include <curses.h>
#else
#error "Recur needs ncurses: apt-get install libncurses-dev (Debian, Ubuntu) or dnf install ncurses-devel (Fedora)"
#endif

// COLOR_PAIR is a macro; Swift needs a function to compute attribute bits for a pair.
static inline attr_t recur_color_pair(short pair) { return (attr_t)COLOR_PAIR(pair); }

// The A_* attributes are macros built from NCURSES_BITS; Swift imports none of them.
static inline attr_t recur_attr_bold(void) { return A_BOLD; }
static inline attr_t recur_attr_dim(void) { return A_DIM; }
static inline attr_t recur_attr_reverse(void) { return A_REVERSE; }
static inline attr_t recur_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t recur_attr_normal(void) { return A_NORMAL; }

// getmaxyx is a macro that assigns to its arguments.
static inline void recur_getmaxyx(WINDOW *window, int *rows, int *columns) {
    int y, x;
    getmaxyx(window, y, x);
    *rows = y;
    *columns = x;
}

// stdscr is a macro over a global on some builds; a function gives Swift one spelling.
static inline WINDOW *recur_stdscr(void) { return stdscr; }

// Key codes are macros too (KEY_LEFT is an octal literal Swift does import, but
// KEY_RESIZE and KEY_MOUSE vary with build options), so read them through functions.
static inline int recur_key_resize(void) { return KEY_RESIZE; }
static inline int recur_key_mouse(void) { return KEY_MOUSE; }

// Draws one cell: a single Unicode scalar with attributes and a colour pair. setcchar
// needs a NUL-terminated wide string, which is awkward to build from Swift per cell.
static inline int recur_put_cell(int row, int column, wchar_t scalar, attr_t attributes, short pair) {
    wchar_t text[2] = { scalar, 0 };
    cchar_t cell;
    if (setcchar(&cell, text, attributes, pair, NULL) != OK) return ERR;
    return mvadd_wch(row, column, &cell);
}

// Mouse: clicks, releases and motion while a button is held. ALL_MOUSE_EVENTS and the
// BUTTON* masks are macros; xterm's 1002 mode (button-event tracking) is what reports
// drags, and ncurses does not ask for it unless REPORT_MOUSE_POSITION is set, which
// would flood us with every motion (1003), so the shim asks for 1002 itself.
static inline void recur_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | REPORT_MOUSE_POSITION, NULL);
    mouseinterval(0);
    fputs("\033[?1002h", stdout);
    fflush(stdout);
}

static inline void recur_disable_mouse(void) {
    mousemask(0, NULL);
    fputs("\033[?1002l\033[?1003l\033[?1000l", stdout);
    fflush(stdout);
}

// Reads the pending mouse event: returns 1 for a press, 2 for a release, 3 for motion
// with the button held, 0 for anything else or on error.
static inline int recur_read_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & (BUTTON1_RELEASED | BUTTON1_CLICKED)) return 2;
    if (event.bstate & REPORT_MOUSE_POSITION) return 3;
    return 0;
}

// Whether the terminal switches to an alternate screen (smcup). Without one (TERM=linux,
// vt100) the last frame stays on screen after endwin, so restore clears it first.
// tigetstr answers (char *)-1 for "not a string capability", a pointer cast Swift cannot
// compare against.
static inline int recur_has_alternate_screen(void) {
    const char *enter = tigetstr("smcup");
    return enter != NULL && enter != (char *)-1 && enter[0] != 0;
}

// Whether the terminal type in TERM can draw the workbench: 1 when it can place the
// cursor anywhere (cup) and is neither a hard-copy nor a generic type, 0 when it cannot
// (TERM=dumb has no cup, and ncurses would draw nothing visible), -1 when TERM names no
// terminfo entry. The entry is loaded and freed here, before newterm, so that a refusal
// comes before any work and leaves ncurses untouched. (tigetstr returns (char *)-1 for
// a name that is not a string capability.) term.h is included only here, last: it
// defines macros named after capabilities (`lines`, `columns`) that would rewrite the
// parameter names of the functions above.
#if __has_include(<ncursesw/term.h>)
#include <ncursesw/term.h>
#else
#include <term.h>
#endif
static inline int recur_terminal_can_address(void) {
    int error = 0;
    if (setupterm(NULL, STDOUT_FILENO, &error) != OK) return -1;
    char *move = tigetstr("cup");
    int capable = move != NULL && move != (char *)-1 && tigetflag("hc") <= 0 && tigetflag("gn") <= 0;
    del_curterm(cur_term);
    return capable;
}

#endif
