import { registry } from "@web/core/registry";

/** The day a week from now, as a date field sends it (YYYY-MM-DD). */
function inAWeek() {
    const day = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    return day.toISOString().slice(0, 10);
}

// Run on the Italian and on the Arabic customer's page, as the public visitor with the reminder's token: the page
// reads in the customer's language and direction, lists the open items, and takes a promise through its form.
registry.category("web_tour.tours").add("founder_backoffice_collections_portal_tour", {
    steps: () => [
        {
            content: "The page is in the customer's language and direction",
            trigger: [
                ".o_fb_collections[lang=it_IT][dir=ltr] h4:contains(Partite aperte)",
                ".o_fb_collections[lang=ar_001][dir=rtl] h4:contains(البنود المفتوحة)",
            ].join(", "),
        },
        { content: "The overdue invoices are listed", trigger: ".o_fb_items .o_fb_item.table-danger .o_fb_days_late" },
        {
            content: "Each invoice links to its PDF",
            trigger: ".o_fb_items a.o_fb_invoice_pdf[href*='report_type=pdf']",
        },
        { content: "The statement can be downloaded", trigger: "a.o_fb_statement[href*='/statement']" },
        { content: "Open the promise form", trigger: ".o_fb_promise summary", run: "click" },
        {
            content: "Promise to pay in a week",
            trigger: ".o_fb_promise input[name=promised_date]",
            run() {
                this.anchor.value = inAWeek();
            },
        },
        {
            content: "Send the promise",
            trigger: ".o_fb_promise .o_fb_promise_submit",
            run: "click",
            expectUnloadPage: true,
        },
        { content: "The page thanks the customer", trigger: "#fb_message.alert-success" },
        { content: "The invoices now show the promise", trigger: ".o_fb_items .o_fb_item .badge.text-bg-info" },
    ],
});
