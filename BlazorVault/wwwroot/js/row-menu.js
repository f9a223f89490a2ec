// The "⋯" menus of list rows (Components/RowMenu.razor). The server renders them closed; opening, closing
// and moving between items happen here, in the browser, so they answer at once and in order however busy
// the circuit is. One set of listeners on the document serves every menu, also rows rendered later.
const toggleSelector = '[data-row-menu] > [aria-haspopup="menu"]';

let openToggle = null;

const menuOf = toggle => document.getElementById(toggle.getAttribute('aria-controls'));

const itemsOf = menu => [...menu.querySelectorAll('[role="menuitem"]:not([disabled])')];

function open(toggle, which) {
    if (openToggle && openToggle !== toggle) {
        close(false);
    }

    const menu = menuOf(toggle);
    if (!menu) {
        return;
    }

    menu.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    openToggle = toggle;
    // Near the bottom of the screen it opens upwards where there is room; else the page scrolls to show it.
    menu.classList.remove('row-menu-up');
    const below = menu.getBoundingClientRect();
    if (below.bottom > window.innerHeight) {
        if (toggle.getBoundingClientRect().top - below.height > 0) {
            menu.classList.add('row-menu-up');
        } else {
            menu.scrollIntoView({ block: 'nearest' });
        }
    }

    const items = itemsOf(menu);
    (which === 'last' ? items.at(-1) : items[0])?.focus();
}

function close(returnFocus) {
    const toggle = openToggle;
    if (!toggle) {
        return;
    }

    openToggle = null;
    const menu = menuOf(toggle);
    if (menu) {
        menu.hidden = true;
    }

    toggle.setAttribute('aria-expanded', 'false');
    if (returnFocus && toggle.isConnected) {
        toggle.focus();
    }
}

// Capturing, so this runs before Blazor's own click handling: an item that opens a dialog finds the focus
// back on the row's button, which the dialog then returns it to.
document.addEventListener('click', e => {
    const toggle = e.target.closest?.(toggleSelector);
    if (toggle) {
        if (toggle === openToggle) {
            close(true);
        } else {
            open(toggle, 'first');
        }

        return;
    }

    if (openToggle) {
        const item = e.target.closest?.('[role="menuitem"]');
        close(Boolean(item && menuOf(openToggle)?.contains(item)));
    }
}, true);

document.addEventListener('keydown', e => {
    const toggle = e.target.closest?.(toggleSelector);
    if (toggle && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        open(toggle, e.key === 'ArrowUp' ? 'last' : 'first');
        return;
    }

    const menu = openToggle && menuOf(openToggle);
    if (!menu || !(menu.contains(e.target) || e.target === openToggle)) {
        return;
    }

    const items = itemsOf(menu);
    const at = items.indexOf(document.activeElement);
    const move = index => {
        e.preventDefault();
        items[(index + items.length) % items.length]?.focus();
    };
    switch (e.key) {
        case 'Escape':
            e.preventDefault();
            e.stopPropagation();
            close(true);
            break;
        case 'ArrowDown':
            move(at + 1);
            break;
        case 'ArrowUp':
            move(at < 0 ? -1 : at - 1);
            break;
        case 'Home':
            move(0);
            break;
        case 'End':
            move(-1);
            break;
    }
});

// The focus left the button and its menu (Tab past the last item, a click elsewhere): the menu closes.
document.addEventListener('focusout', e => {
    const menu = openToggle && menuOf(openToggle);
    if (!menu || !(menu.contains(e.target) || e.target === openToggle)) {
        return;
    }

    const next = e.relatedTarget;
    if (next && (menu.contains(next) || next === openToggle)) {
        return;
    }

    close(false);
});
